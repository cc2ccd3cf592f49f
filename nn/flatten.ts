import { checkTensor, type Tensor } from '../core/index.ts';
import { Module } from './module.ts';

/** Flattens dims startDim..endDim into one, as `torch.nn.Flatten` (by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    /** First dim to merge (`start_dim`). */
    readonly startDim = 1,
    /** Last dim to merge (`end_dim`), inclusive. */
    readonly endDim = -1,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    checkTensor(`${this.name}.forward`, 'input', input);
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
