/**
 * A LaTeX source is summarized as the paper it typesets: the model reads its prose, not its commands,
 * comments, headings, formulas, figures or code, and grounding sees the words a reader of the PDF sees.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unwrapFormat } from '../../src/engine/document-format';
import { latexText, looksLikeLatex } from '../../src/engine/latex-text';

const PAPER = String.raw`\documentclass{article}
\usepackage{listings}
\title{Remote-Controlled Scouting Buggy}
\author{varsingh, jknee \{@bu.edu\}}
\begin{document}
\maketitle
\begin{abstract}
% Paragraph that describes the research problem (5pts)
This project presents a browser-based remote control system for the \textbf{HiWonder PuppyPi}, a quadruped
robot~\cite{hiwonder2025}. See \href{https://github.com/x/y}{the repository}.
\end{abstract}
\section{Method}\label{sec:method}
The system has two parts:
\begin{itemize}
    \item Frontend: a web interface running on a laptop.
    \item Backend: a server on the robot.
\end{itemize}
Latency stays below 100\% of the OPENQUOTEperceptible'' limit of $100$ ms, and the cost is \$40.
\begin{equation}
  t = t_{send} + t_{exec}
\end{equation}
\begin{figure}[H]
  \includegraphics[width=\linewidth]{lidar.png}
  \caption{LiDAR object detection visualization.}
\end{figure}
\begin{lstlisting}[language=Python]
import websockets
async def command_handler(websocket): pass
\end{lstlisting}
\end{document}
`.replace('OPENQUOTE', '``'); // a backtick would end the template

test('the model reads the paper as prose: no preamble, comments, headings, citations, formulas, figures or code', () => {
  const text = latexText(PAPER);
  assert.ok(text !== null);
  assert.equal(
    text.article,
    [
      'This project presents a browser-based remote control system for the HiWonder PuppyPi, a quadruped\nrobot. See the repository.',
      'The system has two parts:',
      'Frontend: a web interface running on a laptop.',
      'Backend: a server on the robot.',
      'Latency stays below 100% of the "perceptible" limit of 100 ms, and the cost is $40.',
    ].join('\n\n'),
  );
});

test('grounding sees what the PDF shows: captions, code and formulas, never comments or commands', () => {
  const { shown } = latexText(PAPER)!;
  assert.match(shown, /LiDAR object detection visualization\./u);
  assert.match(shown, /import websockets/u);
  assert.match(shown, /Method/u);
  assert.doesNotMatch(shown, /\\|5pts|usepackage|includegraphics|documentclass/u);
});

test('a README with formulas, source code with LaTeX in its docstrings and prose are not taken for LaTeX', () => {
  const readme =
    '# Model\n\nThe loss is $\\mathcal{L} = \\sum_i w_i r_i$ with **weights** from [the paper](https://x.org).\n\n```python\nloss = 0\n```\n';
  assert.equal(unwrapFormat(readme), null);
  const code =
    'def loss(w):\n    r"""The weighted loss, \\textbf{see} \\cite{wang2024} and \\ref{eq:1}.\n\n    \\begin{equation} L = w r \\end{equation}\n    """\n    return w\n';
  assert.equal(looksLikeLatex(code), false);
  const template =
    'import subprocess\n\nTEMPLATE = r"""\\documentclass{article}\n\\begin{document}\n%s\n\\end{document}"""\n';
  assert.equal(looksLikeLatex(template), false);
  assert.equal(unwrapFormat('The cost is 5% of $40, or \\emph{less}.'), null);
});
