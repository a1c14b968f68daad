"""The numpy kernels: the specification of the compiled ones, and the softmax kernel."""
