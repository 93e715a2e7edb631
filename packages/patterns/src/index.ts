/**
 * patterns (under construction).
 */
export {};
