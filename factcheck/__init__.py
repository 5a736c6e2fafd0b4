import os

# Web and worker processes are several single-threaded processes sharing the cores. numpy's BLAS
# (matrix-vector products in claim retrieval) would otherwise start a thread per core in each of
# them and busy-wait after every call, doubling the CPU a report costs. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from factcheck.celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
