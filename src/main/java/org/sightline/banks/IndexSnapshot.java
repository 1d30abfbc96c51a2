package org.sightline.banks;

import org.sightline.config.OwnerOnlyFiles;
import org.sightline.hashing.PdqHash;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The active bank entries as a compact file beside the database ({@code <data.dir>/bank-index.snapshot}), so that
 * a restart loads a million hashes from one sequential read instead of a million database rows. It carries the
 * database's id and index version ({@code bank_index_version}, advanced by every entry change) from before it was read:
 * a snapshot is used only while the database is still at that version, and it ends in a CRC32C of everything
 * before, so a torn or damaged file is never used either. Written only from a full read of the database.
 */
final class IndexSnapshot {
    static final String FILE = "bank-index.snapshot";
    private static final Logger log = LoggerFactory.getLogger(IndexSnapshot.class);
    private static final int MAGIC = 0x534c4958; // "SLIX"
    private static final int FORMAT = 1;
    private static final byte END = (byte) 0xFF;

    private IndexSnapshot() {
    }

    /** Whether the snapshot exists, is intact (its CRC32C) and was taken at {@code dbVersion}. */
    static boolean usable(Path file, String dbVersion) {
        if (!Files.isRegularFile(file)) return false;
        try {
            ByteBuffer b = map(file);
            if (b.capacity() < 16) return false;
            CRC32C crc = new CRC32C();
            crc.update(b.slice(0, b.capacity() - 8));
            if (b.getLong(b.capacity() - 8) != crc.getValue()) {
                log.warn("the bank index snapshot is damaged; the index is loaded from the database");
                return false;
            }
            return header(b) != null && dbVersion.equals(string(b));
        } catch (IOException | RuntimeException e) {
            log.warn("the bank index snapshot cannot be read ({}); the index is loaded from the database",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /** Feeds every entry of a {@link #usable} snapshot to {@code loader}; returns how many. */
    static long load(Path file, Matcher.Loader loader) {
        try {
            ByteBuffer b = map(file);
            List<SignalType> types = header(b);
            string(b); // the version, checked by usable()
            long count = 0;
            while (true) {
                byte t = b.get();
                if (t == END) return count;
                long id = b.getLong();
                int bank = b.getInt();
                SignalType type = types.get(t);
                if (type == SignalType.PDQ) {
                    loader.acceptPdq(id, bank, b.getLong(), b.getLong(), b.getLong(), b.getLong());
                } else if (type == SignalType.VPDQ) {
                    byte[] json = new byte[b.getInt()];
                    b.get(json);
                    loader.accept(new Matcher.IndexedEntry(id, bank, type, new String(json, StandardCharsets.US_ASCII)));
                } else {
                    loader.accept(new Matcher.IndexedEntry(id, bank, type, string(b)));
                }
                count++;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading the bank index snapshot failed", e);
        }
    }

    /** The whole file, read-only and outside the heap (DataOutputStream's byte order: big-endian). */
    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    /** The format header: the signal types by index, or null for another format. */
    private static List<SignalType> header(ByteBuffer b) {
        if (b.getInt() != MAGIC || b.getInt() != FORMAT) return null;
        int n = b.get() & 0xFF;
        List<SignalType> types = new ArrayList<>(n);
        for (int i = 0; i < n; i++) types.add(SignalType.parse(string(b)));
        return types;
    }

    /** A string as {@code DataOutputStream.writeUTF} wrote it (ASCII here: names, hex, a UUID and a number). */
    private static String string(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort() & 0xFFFF];
        b.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * Deletes the temporary files of snapshots whose writing never finished (a process killed mid-load leaves
     * one as large as the snapshot), so that restarts after crashes do not fill the disk.
     */
    static void removeLeftovers(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        try (var files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix)
                && f.getFileName().toString().endsWith(".tmp"))) {
            for (Path f : files) Files.deleteIfExists(f);
        } catch (IOException e) {
            log.warn("cannot remove unfinished bank index snapshots ({})", e.getClass().getSimpleName());
        }
    }

    /**
     * Writes a snapshot next to its final place and moves it there on {@link #commit()}. A write that fails (a
     * full disk) only means no snapshot: the load it rides along with goes on.
     */
    static final class Writer implements AutoCloseable {
        private final Path file;
        private final Path temp;
        private final CRC32C crc = new CRC32C();
        private final DataOutputStream out;
        private boolean committed;
        private IOException failed;

        Writer(Path file, String dbVersion) throws IOException {
            this.file = file;
            this.temp = OwnerOnlyFiles.emptyTemp(file);
            this.out = new DataOutputStream(new CheckedOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), crc));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            SignalType[] types = SignalType.values();
            out.writeByte(types.length);
            for (SignalType t : types) out.writeUTF(t.wireName());
            out.writeUTF(dbVersion);
        }

        void add(Matcher.IndexedEntry e) {
            if (failed != null) return;
            try {
                write(e);
            } catch (IOException io) {
                failed = io;
            }
        }

        private void write(Matcher.IndexedEntry e) throws IOException {
            out.writeByte(e.type().ordinal());
            out.writeLong(e.entryId());
            out.writeInt(e.bankId());
            if (e.type() == SignalType.PDQ) {
                PdqHash h = PdqHash.parse(e.value());
                out.writeLong(h.w0());
                out.writeLong(h.w1());
                out.writeLong(h.w2());
                out.writeLong(h.w3());
            } else if (e.type() == SignalType.VPDQ) {
                // a long video's frames outgrow writeUTF's 64 KB
                byte[] json = e.value().getBytes(StandardCharsets.US_ASCII);
                out.writeInt(json.length);
                out.write(json);
            } else {
                out.writeUTF(e.value());
            }
        }

        /** Puts the snapshot in place, unless a write failed (then the reason is thrown). */
        void commit() throws IOException {
            if (failed != null) throw failed;
            out.writeByte(END);
            out.flush();
            long value = crc.getValue();
            out.writeLong(value); // after reading the CRC: the trailer is not part of what it covers
            out.close();
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (committed) return;
            out.close();
            Files.deleteIfExists(temp);
        }
    }
}
