/**
 * The triangle picker for three objectives: the vertices are the objectives, the handle sits at the
 * barycentric point of the weights. Click or drag anywhere on it; the handle is a keyboard slider
 * (arrow keys move it, Shift for fine steps, Home returns to the centre, 1/2/3 jump to a vertex).
 */

import type { ObjectiveInfo } from '../common/messages';
import { s } from './dom';
import {
  equalWeights,
  moveWeights,
  pointToWeights,
  toPoint,
  UNIT_TRIANGLE,
  type Point,
  type Triangle,
} from './simplex';

export interface TrianglePicker {
  element: SVGSVGElement;
  /** Moves the handle (no callbacks). */
  set(weights: readonly number[]): void;
}

export interface TriangleOptions {
  objectives: readonly ObjectiveInfo[];
  weights: readonly number[];
  /** Text for aria-valuetext, e.g. "Concise 50%, Faithful 30%, Complete 20%". */
  describe: (weights: readonly number[]) => string;
  /** While dragging or holding a key. */
  onInput: (weights: number[]) => void;
  /** On release (pointer up, key up). */
  onCommit: (weights: number[]) => void;
  /** Id of an element with usage help (aria-describedby). */
  helpId?: string;
}

// Geometry in SVG user units; the unit triangle (side 1) is scaled by SIDE and moved by ORIGIN.
const SIDE = 160;
const HEIGHT = (SIDE * Math.sqrt(3)) / 2;
const ORIGIN: Point = { x: 40, y: 26 };
const VIEW_W = SIDE + 2 * ORIGIN.x;
const VIEW_H = ORIGIN.y + HEIGHT + 28;

const STEP = 0.05;
const FINE_STEP = 0.01;

const toSvg = (p: Point): Point => ({ x: ORIGIN.x + p.x * SIDE, y: ORIGIN.y + p.y * SIDE });
const fromSvg = (p: Point): Point => ({ x: (p.x - ORIGIN.x) / SIDE, y: (p.y - ORIGIN.y) / SIDE });

const UNIT: Triangle = UNIT_TRIANGLE;

const fmt = (x: number): string => x.toFixed(2);

export function createTriangle(opts: TriangleOptions): TrianglePicker {
  const { objectives } = opts;
  let weights = [...opts.weights];
  const [top, left, right] = UNIT.map(toSvg) as [Point, Point, Point];
  const corners = [top, left, right];

  const svg = s('svg', {
    id: 'triangle',
    class: 'triangle',
    viewBox: `0 0 ${VIEW_W} ${fmt(VIEW_H)}`,
    role: 'group',
    'aria-label': 'Weight triangle',
  });

  svg.append(
    s('polygon', { class: 'tri-area', points: corners.map((c) => `${fmt(c.x)},${fmt(c.y)}`).join(' ') }),
  );
  // Faint guides: the lines from each vertex to the middle of the opposite edge.
  for (let i = 0; i < 3; i++) {
    const a = corners[i] as Point;
    const b = corners[(i + 1) % 3] as Point;
    const c = corners[(i + 2) % 3] as Point;
    svg.append(
      s('line', {
        class: 'tri-guide',
        x1: fmt(a.x),
        y1: fmt(a.y),
        x2: fmt((b.x + c.x) / 2),
        y2: fmt((b.y + c.y) / 2),
      }),
    );
  }
  const labelPos: Point[] = [
    { x: top.x, y: top.y - 10 },
    { x: left.x, y: left.y + 20 },
    { x: right.x, y: right.y + 20 },
  ];
  objectives.slice(0, 3).forEach((o, i) => {
    const p = labelPos[i] as Point;
    const text = s(
      'text',
      { class: 'tri-label', x: fmt(p.x), y: fmt(p.y), 'text-anchor': 'middle' },
      o.label,
    );
    text.append(s('title', {}, o.description));
    svg.append(text);
  });

  const handle = s('circle', {
    class: 'tri-handle',
    r: 8,
    tabindex: 0,
    role: 'slider',
    'aria-label': 'Weights',
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-describedby': opts.helpId,
  });
  svg.append(handle);

  function place(): void {
    const p = toSvg(toPoint(weights, UNIT));
    handle.setAttribute('cx', fmt(p.x));
    handle.setAttribute('cy', fmt(p.y));
    handle.setAttribute('aria-valuenow', String(Math.round((weights[0] ?? 0) * 100)));
    handle.setAttribute('aria-valuetext', opts.describe(weights));
  }

  function eventWeights(e: PointerEvent): number[] | null {
    const ctm = svg.getScreenCTM();
    if (!ctm) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    return pointToWeights(fromSvg({ x: p.x, y: p.y }), UNIT);
  }

  let dragging: number | null = null;
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const w = eventWeights(e);
    if (!w) return;
    e.preventDefault();
    dragging = e.pointerId;
    try {
      svg.setPointerCapture(e.pointerId);
    } catch {
      // Not an active pointer (a synthetic event): the drag still works while over the triangle.
    }
    handle.focus({ preventScroll: true });
    svg.classList.add('dragging');
    weights = w;
    place();
    opts.onInput(weights);
  });
  svg.addEventListener('pointermove', (e) => {
    if (dragging !== e.pointerId) return;
    const w = eventWeights(e);
    if (!w) return;
    weights = w;
    place();
    opts.onInput(weights);
  });
  const end = (e: PointerEvent): void => {
    if (dragging !== e.pointerId) return;
    dragging = null;
    svg.classList.remove('dragging');
    opts.onCommit(weights);
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);
  svg.addEventListener('lostpointercapture', end);

  const moves: Record<string, Point> = {
    ArrowUp: { x: 0, y: -1 },
    ArrowDown: { x: 0, y: 1 },
    ArrowLeft: { x: -1, y: 0 },
    ArrowRight: { x: 1, y: 0 },
  };
  let keyMoved = false;
  handle.addEventListener('keydown', (e) => {
    const m = moves[e.key];
    if (m) {
      const step = e.shiftKey ? FINE_STEP : STEP;
      weights = moveWeights(weights, m.x * step, m.y * step, UNIT);
    } else if (e.key === 'Home') {
      weights = equalWeights(3);
    } else if (e.key === '1' || e.key === '2' || e.key === '3') {
      // Jump to a vertex: all weight on that objective.
      const i = Number(e.key) - 1;
      weights = [0, 0, 0].map((_, j) => (j === i ? 1 : 0));
    } else {
      return;
    }
    e.preventDefault();
    keyMoved = true;
    place();
    opts.onInput(weights);
  });
  handle.addEventListener('keyup', () => {
    if (!keyMoved) return;
    keyMoved = false;
    opts.onCommit(weights);
  });
  handle.addEventListener('blur', () => {
    if (keyMoved) {
      keyMoved = false;
      opts.onCommit(weights);
    }
  });

  place();
  return {
    element: svg,
    set(w) {
      weights = [...w];
      place();
    },
  };
}
