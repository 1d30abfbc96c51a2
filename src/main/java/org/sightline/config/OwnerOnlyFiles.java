package org.sightline.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Secret files only their owner may read (0600 where the file system has POSIX permissions). */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    /**
     * Writes {@code content} to {@code file} unless it exists; returns whether this call created it. The
     * content is written beside the target and linked into place, so of two processes racing one wins and both
     * then read the same file.
     */
    public static boolean createIfAbsent(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) return false;
        Path temp = temp(file, content);
        try {
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return false;
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (Files.exists(file)) return false;
                Files.move(temp, file);
            }
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code content} to {@code file}, replacing it atomically. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temp = temp(file, content);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path temp(Path file, byte[] content) throws IOException {
        Path temp = emptyTemp(file);
        try {
            Files.write(temp, content);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /**
     * An empty owner-only file beside {@code file}, for content too large to hold in memory; move it into place
     * with {@code Files.move(temp, file, REPLACE_EXISTING, ATOMIC_MOVE)}.
     */
    public static Path emptyTemp(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))}
                : new FileAttribute<?>[0];
        return Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly);
    }
}
