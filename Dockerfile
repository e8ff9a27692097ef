# Frontline in one image: the wheel built from this checkout, installed with the CPU build of torch, serving
# the app on port 8501 as an unprivileged user, with its data in the /data volume.
#
#   docker build -t frontline .
#   docker run -p 8501:8501 -v frontline-data:/data frontline
#
# These are the steps tests/browser/test_wheel.py runs (build, install, migrate, serve, poll the health
# endpoint); tests/test_dockerfile.py checks that they stay the same.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY research ./research
COPY interviews ./interviews
COPY app ./app
RUN python -m pip wheel --no-deps -w /dist .

FROM python:3.11-slim
# A plain `pip install torch` on Linux pulls the multi-GB CUDA build, so torch comes first from PyTorch's CPU
# wheel index, as the Makefile's TORCH_SPEC and TORCH_INDEX do: `--build-arg TORCH_INDEX=...` points at a mirror.
ARG TORCH_SPEC=torch==2.13.0
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m pip install "${TORCH_SPEC}" --index-url "${TORCH_INDEX}"
COPY --from=build /dist/ /tmp/dist/
RUN python -m pip install /tmp/dist/frontline-*.whl && rm -rf /tmp/dist

# A named volume starts with the image's /data, so it belongs to the frontline user; a bind-mounted folder must
# be writable by uid 10001.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/frontline frontline \
    && mkdir /data && chown frontline:frontline /data
ENV FRONTLINE_DATA_DIR=/data NUMBA_CACHE_DIR=/data/cache/numba HF_HUB_OFFLINE=1
VOLUME ["/data"]
USER frontline
WORKDIR /home/frontline
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]

# Every command the container runs migrates first, so `docker run ... frontline users add ...` works on a new
# volume too; `exec` makes the command PID 1, so `docker stop` reaches Streamlit.
ENTRYPOINT ["sh", "-c", "frontline db upgrade && exec \"$@\"", "frontline"]
CMD ["frontline", "serve", "--address", "0.0.0.0", "--port", "8501"]
