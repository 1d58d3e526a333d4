package dev.longwatch.memory.job;

import dev.longwatch.memory.config.MemoryOptions;
import java.util.Collection;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * Caps RocksDB's MANIFEST, the log of every flush and compaction the instance has done. RocksDB
 * rolls it over only at 1 GB by default and Flink sets no limit, and every checkpoint, incremental
 * or not, copies it whole: {@code StateSizeITCase} measured it growing from 0.2 to 2 MB between
 * 1 h and 10 h of one stream while the stream's state stayed at 1.34 MB. A rolled-over MANIFEST
 * starts from a snapshot of the live files, a few KB here, so a small cap costs nothing.
 *
 * <p>Set it with {@code state.backend.rocksdb.options-factory:
 * dev.longwatch.memory.job.BoundedManifest} and {@link MemoryOptions#MAX_MANIFEST_SIZE}; the
 * all-in-one launcher does ({@link MemoryJob#localClusterConfiguration}).
 */
public final class BoundedManifest implements ConfigurableRocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    private final long maxBytes;

    public BoundedManifest() {
        this(MemoryOptions.MAX_MANIFEST_SIZE.defaultValue());
    }

    public BoundedManifest(MemorySize maxSize) {
        this.maxBytes = maxSize.getBytes();
    }

    @Override
    public RocksDBOptionsFactory configure(ReadableConfig configuration) {
        return new BoundedManifest(configuration.get(MemoryOptions.MAX_MANIFEST_SIZE));
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setMaxManifestFileSize(maxBytes);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }
}
