# escmatrix watch in a container: one clone of the escalation repository, kept current and swept.
#   docker build -t escmatrix .
#   docker run -d --name escmatrix-watch --restart unless-stopped \
#     -v /srv/escalations:/repo -v ~/.ssh/escmatrix_deploy:/home/escmatrix/.ssh/id_ed25519:ro \
#     -e ESCMATRIX_HEARTBEAT_URL=https://hc-ping.com/<uuid> escmatrix
# /repo is a clone with an upstream (git clone git@host:team/escalations.git /srv/escalations).
# `docker stop` sends SIGTERM: the watcher finishes the step it is in and exits 0.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && rm -rf /src

RUN useradd --create-home --uid 10001 escmatrix \
    && mkdir -p /home/escmatrix/.ssh && chown -R escmatrix /home/escmatrix
USER escmatrix
ENV ESCMATRIX_REPO=/repo GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=accept-new"
RUN git config --global --add safe.directory /repo
WORKDIR /repo

HEALTHCHECK --interval=60s --timeout=10s CMD ["escmatrix", "watch", "--check"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["escmatrix", "watch"]
CMD ["--interval", "30", "--log-format", "json"]
