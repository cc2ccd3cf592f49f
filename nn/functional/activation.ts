/**
 * Activation functions, as `torch.nn.functional`. Each is a core op (forward and
 * backward in core/ops); the nn modules of the same name delegate here.
 *
 *     relu(x) = max(x, 0)                 sigmoid(x) = 1 / (1 + e^-x)
 *     leakyRelu(x, s) = x if x > 0 else s x        tanh(x)
 *     softmax(x)_i = e^x_i / sum_j e^x_j  logSoftmax(x)_i = x_i - logsumexp(x)
 */
export { leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from '../../core/index.ts';
