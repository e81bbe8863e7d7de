# interview-env: the rules card, once per new interactive shell in the shared session.
case $- in
  *i*) [ -n "${TMUX:-}" ] && cat /etc/interview/rules-card.txt ;;
esac
