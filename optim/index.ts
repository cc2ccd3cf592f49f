// Filled in by the optim work; see the issues.
export {};
