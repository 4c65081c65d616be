/** Fetches a user; on an error status the body is never read, so the connection stays checked out. */
export async function getUser(id: string): Promise<{ name: string }> {
  const res = await fetch(`https://api.example.com/users/${id}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as { name: string };
}
