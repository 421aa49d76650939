/** The first source file whose build is missing or older than it, or null when dist/ is current. */
export function staleDistFile(root: string): string | null;
