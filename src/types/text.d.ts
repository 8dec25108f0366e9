// Text files bundled by esbuild's `text` loader (scripts/build.mjs): the shared rule data in rules/.
declare module '*.txt' {
  const text: string;
  export default text;
}
