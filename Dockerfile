# The vngshift image that deploy/deployment.yaml and the chaos Indexed Job (`vngshift chaos --emit-job --image ...`) run:
# both call the `vngshift` command, which is the package's bin installed on the PATH.
#
#   docker build -t registry.example.com/vngshift:0.1.0 .
#
# Stage 1 builds the package the same way `npm pack` does for a release (prepack compiles src/ and sim/ into dist/);
# stage 2 installs that tarball globally with its production dependencies only, as a user installing it would, and runs
# as an unprivileged user (uid 65532, the one deploy/deployment.yaml's securityContext names).

FROM node:20-slim AS build
WORKDIR /build
COPY package.json package-lock.json tsconfig.json tsconfig.build.json README.md ./
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY data ./data
COPY src ./src
COPY sim ./sim
RUN npm pack --no-audit --no-fund && mv vngshift-*.tgz vngshift.tgz

FROM node:20-slim
ENV NODE_ENV=production
COPY --from=build /build/vngshift.tgz /opt/vngshift.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /opt/vngshift.tgz \
 && rm /opt/vngshift.tgz \
 && npm cache clean --force \
 && groupadd --gid 65532 vngshift \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vngshift \
 && mkdir -p /var/lib/vngshift && chown 65532:65532 /var/lib/vngshift
USER 65532:65532
# The working folder (chaos writes its regression scenarios under it unless --no-write-regressions).
WORKDIR /var/lib/vngshift
ENTRYPOINT ["vngshift"]
CMD ["--help"]
