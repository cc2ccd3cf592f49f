/** The nn namespace: modules, functional forms, init, and safetensors I/O. */
export * from './module.ts';
export * as safetensors from './safetensors.ts';
