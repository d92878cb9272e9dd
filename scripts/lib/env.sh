# Loads the configuration into the caller's environment, in this order of precedence:
# variables already set in the environment, then .env (your local overrides, created from
# .env.example on first use), then .env.example (the development defaults, so that a variable
# added to the project later works without editing an older .env).
if [ ! -f .env ]; then
  cp .env.example .env
  echo "created .env from .env.example"
fi
load_env_file() {
  while IFS='=' read -r name value; do
    case "$name" in ''|\#*) continue ;; esac
    if [ -z "${!name+set}" ]; then export "$name=$value"; fi
  done < "$1"
}
load_env_file .env
load_env_file .env.example
