"""A stand-in for the `safetensors` package where it is not installed (Debian ships
torch but not safetensors). Only `safetensors.torch.load_file`, which the README's
snippet calls; tests/fixtures/make_fixtures.py checks normgrad's files against the
real package's bytes where it is installed."""
