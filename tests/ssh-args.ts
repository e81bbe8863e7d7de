// The OpenSSH client's arguments for a test login as `user` with a key: no known_hosts, no prompts.
export function sshArgs(key: string, port: number): string[] {
  const options = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'BatchMode=yes']
  return [...options.flatMap((option) => ['-o', option]), '-i', key, '-p', String(port), 'user@127.0.0.1']
}
