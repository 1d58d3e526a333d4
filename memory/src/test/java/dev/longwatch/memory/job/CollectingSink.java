package dev.longwatch.memory.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Collects everything the job writes into a static queue (the MiniCluster shares the JVM). */
final class CollectingSink implements Sink<OutRecord> {
    static final ConcurrentLinkedQueue<OutRecord> RECORDS = new ConcurrentLinkedQueue<>();

    @Override
    public SinkWriter<OutRecord> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(OutRecord record, Context context) {
                RECORDS.add(record);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
