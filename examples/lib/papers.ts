/**
 * The papers behind each claim's experiment, for the report's links. Kept apart
 * from claims.ts (the article's words) so experiments that add claims add one
 * line here without touching the article's statements.
 */
import type { ClaimId } from './verdict.ts';

/** A paper the report links to. */
export interface Paper {
  /** Authors and year, e.g. "Ioffe & Szegedy 2015". */
  cite: string;
  title: string;
  url: string;
}

const IOFFE: Paper = {
  cite: 'Ioffe & Szegedy 2015',
  title: 'Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift',
  url: 'https://arxiv.org/abs/1502.03167',
};
const SANTURKAR: Paper = {
  cite: 'Santurkar et al. 2018',
  title: 'How Does Batch Normalization Help Optimization?',
  url: 'https://arxiv.org/abs/1805.11604',
};
const BA: Paper = {
  cite: 'Ba, Kiros & Hinton 2016',
  title: 'Layer Normalization',
  url: 'https://arxiv.org/abs/1607.06450',
};
const LECUN: Paper = {
  cite: 'LeCun, Bottou, Orr & Müller 1998',
  title: 'Efficient BackProp',
  url: 'http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf',
};
const GLOROT: Paper = {
  cite: 'Glorot & Bengio 2010',
  title: 'Understanding the difficulty of training deep feedforward neural networks',
  url: 'https://proceedings.mlr.press/v9/glorot10a.html',
};
const HOCHREITER: Paper = {
  cite: 'Hochreiter & Schmidhuber 1997',
  title: 'Long Short-Term Memory (the adding problem is their experiment 4)',
  url: 'https://doi.org/10.1162/neco.1997.9.8.1735',
};
const WU_HE: Paper = {
  cite: 'Wu & He 2018',
  title: 'Group Normalization',
  url: 'https://arxiv.org/abs/1803.08494',
};

/** The papers each claim's experiment follows or answers. */
export const PAPERS: Partial<Record<ClaimId, readonly Paper[]>> = {
  C1: [LECUN],
  C2: [LECUN],
  C4: [IOFFE, SANTURKAR],
  C5: [IOFFE],
  C6: [IOFFE],
  C7: [IOFFE, GLOROT],
  C8: [IOFFE, GLOROT],
  C9: [IOFFE, GLOROT],
  C10: [IOFFE],
  C11: [IOFFE, BA],
  C12: [BA],
  C13: [BA, HOCHREITER],
  C14: [BA],
  C15: [WU_HE],
};
