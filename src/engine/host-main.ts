/** Entry of the engine process (dist/engine-host.js): `node dist/engine-host.js`, then JSON lines on stdio. */
import { serveStdio } from './host';

void serveStdio().then(() => process.exit(0));
