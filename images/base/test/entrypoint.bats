# The image takes its configuration at start, and a misconfiguration says what to set.
load ../../../tests/helpers


@test "[base] with no password and no key, the container exits and says what to set" {
  run docker run --rm interview-env/base
  assert_failure 64
  assert_output --partial 'nobody could log in: set INTERVIEW_PASSWORD, or give public keys in INTERVIEW_AUTHORIZED_KEYS'
}

@test "[base] an invalid authorized key is named, with the expected form" {
  run docker run --rm -e INTERVIEW_AUTHORIZED_KEYS=$'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm8tYNf6fQ7kGWbSRzF4qeELb6qZzjJZpGFPvYqiU0Y ok\nnot-a-key' interview-env/base
  assert_failure 64
  assert_output --partial "authorized key 2 is not an SSH public key"
}

@test "[base] a password file that is not mounted says so" {
  run docker run --rm -e INTERVIEW_PASSWORD_FILE=/run/secrets/pw interview-env/base
  assert_failure 64
  assert_output --partial 'INTERVIEW_PASSWORD_FILE=/run/secrets/pw cannot be read: mount that file'
}

@test "[base] password and keys can come from mounted files" {
  key=$(new_key mounted)
  echo 'from-a-file-123' > "$BATS_TEST_TMPDIR/pw"
  cp "$key.pub" "$BATS_TEST_TMPDIR/key.pub"
  chmod 644 "$BATS_TEST_TMPDIR"/*
  run timeout 20 docker run --rm -v "$BATS_TEST_TMPDIR:/run/secrets:ro" -e INTERVIEW_PASSWORD_FILE=/run/secrets/pw \
      -e INTERVIEW_AUTHORIZED_KEYS_FILE=/run/secrets/key.pub interview-env/base /usr/sbin/sshd -t
  assert_success
  assert_output --partial 'password login enabled'
  assert_output --partial 'authorized keys: 1'
}
