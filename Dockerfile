# syntax=docker/dockerfile:1
#
# Samtale container image: built with the Maven wrapper on a JDK image, run on a JRE image.
#
# VERIFIED BY REVIEW ONLY: the machines this project is developed on have no container engine, so
# this file has never been built here. Build it with
#
#     docker build -t samtale:dev .        (or: podman build -t samtale:dev .)
#
# What the image promises (and k8s/base/deployment.yaml relies on):
#   - runs as uid/gid 185, never root;
#   - writes nothing outside /tmp, so the root file system can be mounted read-only (mount an
#     emptyDir at /tmp);
#   - no secrets: database credentials, keys and tokens come from the environment / mounted
#     Secrets at run time; nothing from the build context but mvnw, .mvn/, pom.xml, src/ and
#     openapi/ gets in (see .dockerignore);
#   - no HEALTHCHECK: Kubernetes probes /q/health/{started,live,ready} instead;
#   - a normal (prod) build: no demo profile, no token endpoint, no demo keys.
# Needs datasource URLs at run time (the main database and the key vault's,
# QUARKUS_DATASOURCE_KEYVAULT_*): without them the service would try to start its embedded
# PostgreSQL, which fails on a read-only file system - by design, never silently.

ARG BUILD_IMAGE=eclipse-temurin:17-jdk
ARG RUN_IMAGE=eclipse-temurin:17-jre

# ---------------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /build

# The wrapper and the pom first: the Maven distribution and the dependencies are cached (BuildKit
# cache mount) and not re-downloaded when only the sources change.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
COPY openapi/ openapi/
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw && ./mvnw -B package -DskipTests

# ---------------------------------------------------------------------------------------------
FROM ${RUN_IMAGE}

# A fixed, non-root uid/gid (185, the one Quarkus' own images use) that the Deployment's
# securityContext names too. Its home is /deployments; it owns nothing there.
RUN groupadd --system --gid 185 samtale \
    && useradd --system --uid 185 --gid 185 --home-dir /deployments --no-create-home \
       --shell /usr/sbin/nologin samtale \
    && mkdir -p /deployments

# The layered copy Quarkus recommends, least to most often changing, so a code change only
# replaces the small app/ layer. Files stay owned by root: the service only reads them.
COPY --from=build /build/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /build/target/quarkus-app/*.jar /deployments/
COPY --from=build /build/target/quarkus-app/app/ /deployments/app/
COPY --from=build /build/target/quarkus-app/quarkus/ /deployments/quarkus/

WORKDIR /deployments
USER 185:185
EXPOSE 8080

# The JVM reads JAVA_TOOL_OPTIONS itself, so the entrypoint needs no shell and java is PID 1 and
# gets SIGTERM directly (graceful shutdown). Heap = 75 % of the container's memory limit, the rest
# for metaspace, threads and Netty's direct buffers; die at the first OutOfMemoryError so
# Kubernetes restarts a clean JVM. G1 explicitly: below 2 CPUs / 2 GiB the JVM would otherwise
# pick the Serial collector, with long pauses for thousands of open sockets.
# Setting the variable at deploy time replaces all of these: repeat them when adding a flag.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Djava.io.tmpdir=/tmp -Djava.util.logging.manager=org.jboss.logmanager.LogManager" \
    LANG=C.UTF-8

ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
