// Filled in by the data work; see the issues.
export {};
