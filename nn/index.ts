// Filled in by the nn work; see the issues.
export {};
