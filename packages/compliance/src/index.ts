/**
 * compliance (under construction).
 */
export {};
