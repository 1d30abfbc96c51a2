package org.sightline.banks;

import org.sightline.config.OwnerOnlyFiles;
import org.sightline.hashing.PdqHash;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The active bank entries as a compact file beside the database ({@code <data.dir>/bank-index.snapshot}), so that
 * a restart loads a million hashes from one sequential read instead of a million database rows. It carries the
 * database's index version ({@code bank_index_version}, advanced by every entry change) from before it was read:
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
    static boolean usable(Path file, long dbVersion) {
        if (!Files.isRegularFile(file)) return false;
        try {
            if (!intact(file)) {
                log.warn("the bank index snapshot is damaged; the index is loaded from the database");
                return false;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 4096))) {
                return header(in) != null && in.readLong() == dbVersion;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("the bank index snapshot cannot be read ({}); the index is loaded from the database",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /** Feeds every entry of a {@link #usable} snapshot to {@code loader}; returns how many. */
    static long load(Path file, Matcher.Loader loader) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            List<SignalType> types = header(in);
            in.readLong(); // the version, checked by usable()
            long count = 0;
            while (true) {
                byte t = in.readByte();
                if (t == END) return count;
                long id = in.readLong();
                int bank = in.readInt();
                SignalType type = types.get(t);
                if (type == SignalType.PDQ) {
                    loader.acceptPdq(id, bank, in.readLong(), in.readLong(), in.readLong(), in.readLong());
                } else {
                    loader.accept(new Matcher.IndexedEntry(id, bank, type, in.readUTF()));
                }
                count++;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading the bank index snapshot failed", e);
        }
    }

    /** The format header: the signal types by index, or null for another format. */
    private static List<SignalType> header(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) return null;
        int n = in.readUnsignedByte();
        List<SignalType> types = new ArrayList<>(n);
        for (int i = 0; i < n; i++) types.add(SignalType.parse(in.readUTF()));
        return types;
    }

    /** Whether the trailing CRC32C matches everything before it. */
    private static boolean intact(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 16) return false;
        CRC32C crc = new CRC32C();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             CheckedInputStream in = new CheckedInputStream(raw, crc)) {
            byte[] buf = new byte[1 << 16];
            long left = size - 8;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) throw new EOFException();
                left -= r;
            }
            long stored = new DataInputStream(raw).readLong();
            return stored == crc.getValue();
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

        Writer(Path file, long dbVersion) throws IOException {
            this.file = file;
            this.temp = OwnerOnlyFiles.emptyTemp(file);
            this.out = new DataOutputStream(new CheckedOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), crc));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            SignalType[] types = SignalType.values();
            out.writeByte(types.length);
            for (SignalType t : types) out.writeUTF(t.wireName());
            out.writeLong(dbVersion);
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
