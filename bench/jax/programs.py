"""The sizes of the typical programs, as dev.kiln.bench.Programs defines them (keep the two in step)."""
MATVEC = 4096
HVP = 2048
RNN_BATCH, RNN_IN, RNN_HIDDEN, RNN_STEPS = 32, 64, 256, 32
ATT_BATCH, ATT_SEQ, ATT_DIM = 16, 256, 64
GELU_BATCH, GELU_IO, GELU_HIDDEN = 256, 512, 1024
PEX_BATCH, PEX_IN, PEX_HIDDEN = 256, 64, 128
TF_BATCH, TF_SEQ, TF_DIM, TF_HEADS, TF_HIDDEN = 8, 128, 256, 4, 1024
