package dev.longwatch.query.subscriptions;

import dev.longwatch.schema.proto.Subscription;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global {@value #STORE} store equal to the compacted lw.subscriptions: a value puts,
 * a tombstone deletes. Global stores are rebuilt from the topic itself on start, so a restart
 * loses no subscription.
 */
public final class SubscriptionsUpdater implements Processor<String, Subscription, Void, Void> {
    /** Subscription id → Subscription, on every instance. */
    public static final String STORE = "subscriptions";
    private KeyValueStore<String, Subscription> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Subscription> record) {
        if (record.key() == null) {
            return; // not addressable: nothing could ever delete it
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
