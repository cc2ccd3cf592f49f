/**
 * The article's statements behind each claim of CLAIMS.md, quoted from
 * seed/normalization.zh.md ("归一化（Normalization）", 2022-09-08) with an
 * English rendering. Bold markers are dropped; LaTeX formulas are transcribed
 * into plain notation (marked so in `transcribed`).
 */
import { ValueError } from '../../core/index.ts';
import type { ClaimId } from './verdict.ts';

export interface Claim {
  id: ClaimId;
  /** The claim in one English sentence, as CLAIMS.md puts it. */
  summary: string;
  /** The section of the article the quote comes from. */
  section: string;
  /** The article's words. */
  zh: string;
  /** An English rendering of `zh`. */
  en: string;
  /** True when formulas in `zh` were transcribed from LaTeX. */
  transcribed?: boolean;
  /**
   * For a claim the article does not make (CLAIMS.md, "Beyond the article"): where
   * it comes from. `zh` is then empty and `en` states the claim; the report marks it.
   */
  beyond?: string;
}

export const ARTICLE = {
  title: '归一化（Normalization）',
  date: '2022-09-08',
  file: 'seed/normalization.zh.md',
};

export const CLAIMS: readonly Claim[] = [
  {
    id: 'C1',
    summary:
      'When input features have very different ranges, gradient descent needs many more iterations; ' +
      'after normalization the gradient points close to the best direction.',
    section: '输入归一化 (Input normalization)',
    zh:
      '不同输入特征的取值范围差异比较大时，会影响到梯度下降法的效率。以2维特征为例，特征取值不同会导致大多数位置的梯度方向' +
      '并不是最优的搜索方向，当使用梯度下降法寻求最优解时，会导致需要很多次迭代才能收敛，如图(a)；当特征归一化后，' +
      '梯度方向会近似为最优的搜索方向，如图(b)。',
    en:
      'When the ranges of the input features differ a lot, the efficiency of gradient descent suffers. Take two ' +
      'features: different feature ranges make the gradient direction at most positions not the best search ' +
      'direction, so gradient descent needs many iterations to converge, as in figure (a); once the features are ' +
      'normalized, the gradient direction approximates the best search direction, as in figure (b).',
  },
  {
    id: 'C2',
    summary:
      'Outlying samples lengthen training and can stop it from converging; normalize when they are present.',
    section: '归一化 (introduction)',
    zh:
      '归一化（输入归一化、层归一化、批归一化）：使得预处理的数据被限定在一定的范围内（比如[0,1]或者[-1,1]），' +
      '从而消除奇异样本数据导致的不良影响。奇异样本数据的存在会引起训练时间增大，同时也可能导致无法收敛，因此，' +
      '当存在奇异样本数据时，在进行训练之前需要对预处理数据进行归一化；反之，不存在奇异样本数据时，则可以不进行归一化。',
    en:
      'Normalization (input, layer and batch normalization) confines the preprocessed data to a certain range ' +
      '(for example [0, 1] or [-1, 1]) and so removes the harm done by outlying samples. Outlying samples make ' +
      'training take longer and may also keep it from converging; therefore, when outlying samples are present, ' +
      'the data must be normalized before training; conversely, when there are none, normalization can be skipped.',
  },
  {
    id: 'C3',
    summary:
      'Min-max maps a feature to [0,1] with (f-min)/(max-min), to [-1,1] with 2(...)-1, to [a,b] with ' +
      '(b-a)(...)+a; z-score is (f-mu)/sigma with the population sigma.',
    section: '常见归一化方法 (Common normalization methods)',
    zh:
      '极差变化法（Min-Max标准化）：线性变化，使得转换后特征的取值分布在[0,1]区间内。……特征取值f_i经过归一化后f_i′的取值为 ' +
      'f_i′ = (f_i − f_min) / (f_max − f_min)。如果希望取值落在[-1,1]，可将上式修改为 f_i′ = 2(f_i − f_min)/(f_max − f_min) − 1。' +
      '映射到任意区间[a,b]，则为 f_i′ = (b − a)(f_i − f_min)/(f_max − f_min) + a。' +
      '0均值标准化（Z-score标准化）：f_i′ = (f_i − μ)/σ，其中，μ = (1/n) Σ f_i 为特征f的平均值，' +
      'σ = √((1/n) Σ (f_i − μ)²) 为特征f的标准差。',
    en:
      'Min-max scaling: a linear map that puts the transformed feature in [0, 1]: f_i′ = (f_i − f_min)/(f_max − f_min). ' +
      'For values in [-1, 1], use f_i′ = 2(f_i − f_min)/(f_max − f_min) − 1; for any interval [a, b], ' +
      'f_i′ = (b − a)(f_i − f_min)/(f_max − f_min) + a. Z-score standardization: f_i′ = (f_i − μ)/σ, where ' +
      'μ = (1/n) Σ f_i is the mean of feature f and σ = √((1/n) Σ (f_i − μ)²) its standard deviation (dividing by n).',
    transcribed: true,
  },
  {
    id: 'C4',
    summary:
      "Internal covariate shift: a layer's input distribution drifts while earlier layers train; normalizing " +
      'each layer keeps it steady.',
    section: '批归一化 (Batch Normalization)',
    zh:
      '神经网络都是多层结构，上一层 的输出即为下一层的输入，所以即使输入数据做了归一化，由于经过了线性变换以及激活函数，' +
      '下一层的输入在取值范围可能又会有比较大的差别。从机器学习角度来看，如果某个神经层的输入分布发生了改变，' +
      '那么其参数需要重新学习，这种现象叫做内部协变量偏移（Internal Covariate Shift）。……' +
      '为了解决内部协变量偏移问题，就要使得每一个神经层的输入的分布在训练过程中保持一致，最简单有效的方法就是逐层归一化。',
    en:
      "Neural networks are layered: one layer's output is the next layer's input, so even when the input data are " +
      "normalized, after a linear map and an activation the next layer's inputs may again differ widely in range. " +
      "From a machine-learning point of view, if a layer's input distribution changes, its parameters must be " +
      "learned again; this is called internal covariate shift. … To solve it, the distribution of every layer's " +
      'input must stay the same during training, and the simplest effective way is to normalize layer by layer.',
  },
  {
    id: 'C5',
    summary:
      'BN normalizes each neuron over the mini-batch, after the linear map and before the activation, with ' +
      'learnable scale and shift so it can still represent the identity.',
    section: '批归一化 (Batch Normalization)',
    zh:
      '批归一化（Batch Normalization）是对神经层中单个神经元的输入（出）进行归一化。……即归一化进行在线性变化之后，' +
      '激活函数之前，一般都用标准正态分布。……因此，为了使得归一化不对网络的表示能力造成负面影响，' +
      '可以通过一个附加的缩放和平移变换改变取值区间。ẑ = (z − μ)/σ · λ + β，其中λ和β分别代表缩放和平移的参数向量，是模型自己学习。',
    en:
      'Batch normalization normalizes the input (output) of a single neuron of a layer … that is, normalization ' +
      'comes after the linear map and before the activation, usually to a standard normal distribution. … So that ' +
      "normalization does not hurt the network's power of representation, an extra scale and shift can change the " +
      'range: ẑ = (z − μ)/σ · λ + β, where the scale λ and the shift β are parameter vectors the model learns itself.',
    transcribed: true,
  },
  {
    id: 'C6',
    summary:
      'Under BN the linear bias b does nothing: the mean subtraction cancels it, and beta takes its role.',
    section: '批归一化 (Batch Normalization)',
    zh:
      '最后一点还需要注意的是，在使用BN后，神经网络的线性计算（WX + b）中的偏置b将不起作用，因为在（WX + b）求均值后b' +
      '作为常数均值还是b，在规范化的过程中原数据要减去均值，所以b在这两步计算中完全抵消了。但由于BN的算法中有一个偏置项β，' +
      '它完全可以代替b的作用，所以有BN的计算中可不用b。',
    en:
      'One last point: with BN, the bias b in the linear computation (WX + b) has no effect, because after taking ' +
      'the mean of (WX + b) the constant b is still b in the mean, and normalization subtracts the mean from the ' +
      'data, so b cancels completely in these two steps. Since BN has its own shift term β, which can fully take ' +
      "over b's role, b can be left out when BN is used.",
  },
  {
    id: 'C7',
    summary: 'BN speeds up learning.',
    section: '优点 (Advantages of BN)',
    zh: 'BN使得网络中每层输入数据的分布相对稳定，加速模型学习速度',
    en: "BN keeps the distribution of each layer's input relatively stable, which speeds up learning.",
  },
  {
    id: 'C8',
    summary: 'BN makes training less sensitive to initialization and learning rate.',
    section: '优点 (Advantages of BN)',
    zh:
      'BN使得模型对网络中的参数不那么敏感，简化调参过程，使得网络学习更加稳定：在神经网络中，我们经常会谨慎地采用一些' +
      '权重初始化方法（例如Xavier）或者合适的学习率来保证网络稳定训练。',
    en:
      "BN makes the model less sensitive to the network's parameters, simplifies tuning and makes learning more " +
      'stable: in neural networks we often carefully choose a weight initialization (for example Xavier) or a ' +
      'suitable learning rate to keep training stable.',
  },
  {
    id: 'C9',
    summary: 'BN lets networks use saturating activations by keeping inputs out of the flat regions.',
    section: '优点 (Advantages of BN)',
    zh:
      'BN允许网络使用饱和性激活函数（例如sigmoid，tanh等），缓解梯度消失问题：……通过normalize操作可以让激活函数的输入数据' +
      '落在梯度非饱和区，缓解梯度消失的问题',
    en:
      'BN lets a network use saturating activations (sigmoid, tanh, …) and eases vanishing gradients: … ' +
      "normalizing puts the activations' inputs in the region where the gradient is not saturated, easing " +
      'vanishing gradients.',
  },
  {
    id: 'C10',
    summary: 'BN regularizes a little: batch statistics add noise, like dropout.',
    section: '优点 (Advantages of BN)',
    zh:
      'BN具有一定的正则化效果：……不同mini-batch的均值与方差会有所不同，这就为网络的学习过程中增加了随机噪音，' +
      '与Dropout通过关闭神经元给网络训练带来噪音类似，在一定程度上对模型起到了正则化的效果。',
    en:
      'BN has some regularizing effect: … the means and variances of different mini-batches differ, which adds ' +
      'random noise to learning, much as Dropout adds noise by switching neurons off, and so to some degree ' +
      'regularizes the model.',
  },
  {
    id: 'C11',
    summary: 'BN needs mini-batches that are not too small.',
    section: '层归一化 (Layer Normalization)',
    zh: '批量归一化是对一个中间层的单个神经元进行归一化操作，因此要求小批量样本的数量不能太小，否则难以计算单个神经元的统计信息。',
    en:
      'Batch normalization normalizes a single neuron of an intermediate layer, so the mini-batch must not be too ' +
      "small, or the neuron's statistics are hard to compute.",
  },
  {
    id: 'C12',
    summary:
      'LN normalizes over all neurons of one layer for a single sample, so it does not depend on the batch ' +
      'and behaves the same in training and evaluation.',
    section: '层归一化 (Layer Normalization)',
    zh: '层归一化是对某一层的所有神经元进行归一化。……层归一化在面对RNN等问题的时候效果更加优越，也不会受到mini-batch选值的影响。',
    en:
      'Layer normalization normalizes over all neurons of a layer. … It does better on problems such as RNNs, ' +
      'and is not affected by the choice of mini-batch.',
  },
  {
    id: 'C13',
    summary: 'In RNNs, LN eases exploding and vanishing gradients over time.',
    section: '层归一化 (Layer Normalization)',
    zh:
      '在标准循环神经网络中，循环神经网络的净输入一般会随着时间慢慢变大或变小，从而导致梯度爆炸或消失。' +
      '而层归一化的循环神经网络可以有效地缓解这种状况。',
    en:
      'In a standard recurrent network the net input usually grows or shrinks slowly over time, which makes ' +
      'gradients explode or vanish. A layer-normalized recurrent network eases this effectively.',
  },
  {
    id: 'C14',
    summary:
      'LN has no speed advantage over BN; on convolutional networks it is worse in accuracy and speed.',
    section: '层归一化 (Layer Normalization)',
    zh:
      '相比较于批归一化，层归一化在速度上不占有优势。特别是在对CNN进行处理时，有实验证明，层规范化在面对ConvNet时，' +
      '层归一化在效果和速度上都比批归一化效果差。',
    en:
      'Compared with batch normalization, layer normalization has no advantage in speed. On CNNs in particular, ' +
      'experiments show that layer normalization is worse than batch normalization in both results and speed.',
  },
  {
    id: 'C15',
    summary:
      "Beyond the article: GroupNorm's accuracy does not depend on the batch size, where BatchNorm's degrades at " +
      'small batches (extends C11 to convolutional networks).',
    section: 'none: not from the article',
    zh: '',
    en:
      'Group Normalization divides the channels into groups and normalizes within each group, so its computation ' +
      'is independent of the batch size and its accuracy is stable over a wide range of batch sizes, where Batch ' +
      "Normalization's error increases rapidly when the batch size becomes small.",
    beyond:
      'Wu and He 2018, Group Normalization (ECCV), Figure 1 and its abstract; CLAIMS.md lists it as C15, beyond the article',
  },
];

/** The claim with this id; throws for an unknown id so a typo cannot silently drop a statement. */
export function claim(id: ClaimId): Claim {
  const c = CLAIMS.find((x) => x.id === id);
  if (!c)
    throw new ValueError(`claim: unknown claim id ${id} (known: ${CLAIMS.map((x) => x.id).join(', ')})`);
  return c;
}
