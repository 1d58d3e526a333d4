package dev.longwatch.memory.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what a job on another process writes: each sink subtask appends its records to {@code
 * subtask-<i>.bin} in a shared directory (topic, key, value, length-prefixed), closed when the
 * input ends.
 */
final class FileCollectingSink implements Sink<OutRecord> {
    private final String directory;

    FileCollectingSink(Path directory) {
        this.directory = directory.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<OutRecord> createWriter(WriterInitContext context) throws IOException {
        Path file =
                Paths.get(directory)
                        .resolve(
                                "subtask-"
                                        + context.getTaskInfo().getIndexOfThisSubtask()
                                        + ".bin");
        DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
        return new SinkWriter<>() {
            @Override
            public void write(OutRecord record, Context context) throws IOException {
                out.writeUTF(record.topic());
                writeBytes(out, record.key());
                writeBytes(out, record.value());
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    /** The records one subtask wrote. */
    static List<OutRecord> read(Path file) throws IOException {
        List<OutRecord> records = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(raw)) {
            while (true) {
                String topic;
                try {
                    topic = in.readUTF();
                } catch (EOFException end) {
                    return records;
                }
                records.add(new OutRecord(topic, readBytes(in), readBytes(in)));
            }
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
