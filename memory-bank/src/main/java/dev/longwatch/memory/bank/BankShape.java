package dev.longwatch.memory.bank;

/** A bank takes its shape from its first frame; every later frame must match it. */
final class BankShape {
    private BankShape() {}

    static void check(BankIndex index, BankFrame frame) {
        if (!index.accepts(frame.tokens(), frame.dim())) {
            throw new IllegalArgumentException(describeMismatch(index, frame));
        }
    }

    private static String describeMismatch(BankIndex index, BankFrame frame) {
        return "frame of "
                + frame.tokens()
                + "x"
                + frame.dim()
                + " does not fit a bank of "
                + index.tokens()
                + "x"
                + index.dim();
    }
}
