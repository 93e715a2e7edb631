/**
 * wire (under construction).
 */
export {};
