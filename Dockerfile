# The example bot in a container: docs/deployment.md ("Docker") explains how
# to build and run it. tests/deployment/check_deployment_files.py checks the
# run-time packages below against the libraries botcore-bot links.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh \
 && bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release \
      -DBOTCORE_BUILD_TESTS=OFF -DBOTCORE_BUILD_PYTHON=OFF \
      -DBOTCORE_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX=/opt/botcore \
 && cmake --install build

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates libabsl20220623 libcurl4 libsqlite3-0 libpq5 \
      libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-postgresql4.0 \
      libcpp-httplib0.11 libprometheus-cpp-core1.0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/botcore --create-home botcore \
 && install -d -o botcore -g botcore /var/lib/botcore/data
# The executable, and console mode's bundled candles where it looks for them
# (../share/botcore from the executable's folder).
COPY --from=build /opt/botcore/bin/botcore-bot /usr/local/bin/botcore-bot
COPY --from=build /opt/botcore/share/botcore /usr/local/share/botcore
USER botcore
WORKDIR /var/lib/botcore
# The database (DATABASE_URL's default sqlite:///data/botcore.db, relative to
# the working folder). The folder exists in the image owned by botcore, so a
# new volume mounted on it starts writable by the bot.
VOLUME /var/lib/botcore/data
# In a container the server must listen on every interface to be reached.
ENV HTTP_HOST=0.0.0.0 HTTP_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["botcore-bot"]
