/** The report's glossary: the few terms a learner meets in the verdicts without a definition. */
import { esc } from './html.ts';

/** Term and its meaning, in the order a reader meets them. */
export const GLOSSARY: readonly [string, string][] = [
  [
    'condition number',
    'The ratio of the largest to the smallest curvature (eigenvalue of the Hessian) of the loss. Gradient ' +
      'descent must take steps small enough for the steepest direction, so it crawls along the flattest one; ' +
      'the number of iterations grows roughly in proportion to the condition number. Round contours have 1.',
  ],
  [
    'drift',
    "How far a unit's input distribution moves during training: here the largest move of its 15th, 50th or " +
      '85th percentile between 10 % of training and the end, in the units of the input itself ("raw") or ' +
      'divided by its 15-85 spread at 10 % ("relative").',
  ],
  [
    'ICS (internal covariate shift)',
    "Ioffe & Szegedy's name for the change of a layer's input distribution caused by the training of the " +
      "layers before it. Santurkar et al. measure it instead through gradients: how much a layer's gradient " +
      'changes when the layers below take their step (‖G − G′‖ / ‖G‖ and cos(G, G′)).',
  ],
  [
    'D',
    'In the RNN experiment, D = log10(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖): how many orders of magnitude the gradient ' +
      'grows (D > 0, exploding) or shrinks (D < 0, vanishing) going back from the last time step to the first.',
  ],
  [
    'gradient predictiveness, β-smoothness',
    "Santurkar et al.'s measures of the loss landscape along the training path: how much the gradient " +
      'changes when one moves along it (‖∇L(w) − ∇L(w − η∇L)‖, small = predictive) and that change per unit ' +
      'of distance moved (the effective β, the local Lipschitz constant of the gradient).',
  ],
  [
    'saturated unit',
    "A sigmoid unit whose output is below 0.05 or above 0.95, where the curve's slope is less than a fifth " +
      'of its peak, so almost no gradient passes through it.',
  ],
  [
    'quick / full run',
    'Quick runs are small enough for `npm start` to finish in minutes; full runs use the faithful sizes ' +
      "(the paper's steps, widths and seeds where feasible). A verdict from a quick run only is preliminary.",
  ],
];

/** The glossary as a definition list. */
export function glossaryHtml(): string {
  const items = GLOSSARY.map(
    ([t, d]) => `<dt>${esc(t)}</dt><dd>${esc(d).replace(/`([^`]+)`/g, '<code>$1</code>')}</dd>`,
  );
  return `<section id="glossary"><h2>Glossary</h2><dl class="glossary">${items.join('\n')}</dl></section>`;
}
