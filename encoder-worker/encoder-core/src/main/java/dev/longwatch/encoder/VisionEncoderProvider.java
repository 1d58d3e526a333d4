package dev.longwatch.encoder;

/**
 * A backend living in another module (TensorRT), found through {@link java.util.ServiceLoader}
 * so that core has no compile dependency on it. Register the implementation in
 * {@code META-INF/services/dev.longwatch.encoder.VisionEncoderProvider}.
 */
public interface VisionEncoderProvider {

    /** The backend this provider opens, e.g. {@link EncoderBackend#TENSORRT}. */
    EncoderBackend backend();

    /**
     * Opens an encoder for {@code config}. May throw {@link LinkageError} (missing native
     * libraries) or a runtime exception (no device, bad model); {@link EncoderFactory} reports
     * both.
     */
    VisionEncoder open(EncoderConfig config);
}
