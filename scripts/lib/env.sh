# Loads .env (created from .env.example on first use) into the environment of the caller.
# Variables already set in the environment win over the file.
if [ ! -f .env ]; then
  cp .env.example .env
  echo "created .env from .env.example"
fi
while IFS='=' read -r name value; do
  case "$name" in ''|\#*) continue ;; esac
  if [ -z "${!name:-}" ]; then export "$name=$value"; fi
done < .env
