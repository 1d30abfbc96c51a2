package org.sightline.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory is owner-only: the directory 0700 and every regular file directly in it 0600, whatever the
 * umask (it holds the database, the secret key and the list-signing key). Where the file system has no POSIX
 * permissions this does nothing. Subdirectories and symbolic links inside are left as they are.
 */
public final class DataDirectory {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /**
     * Creates {@code dir} owner-only if it is missing; if it exists with wider permissions, narrows the directory
     * and its files, logging a warning that names each path. Returns the absolute path.
     *
     * @throws ConfigException if the directory cannot be created or made owner-only
     */
    public static Path secure(Path dir) {
        Path abs = dir.toAbsolutePath();
        boolean posix = posix(abs);
        try {
            if (!Files.isDirectory(abs)) {
                Path parent = abs.getParent();
                if (parent != null) Files.createDirectories(parent);
                try {
                    if (posix) Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
                    else Files.createDirectory(abs);
                } catch (FileAlreadyExistsException raced) {
                    if (!Files.isDirectory(abs)) throw new ConfigException("data directory " + abs + " is not a directory");
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot create data directory " + abs + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (posix) narrow(abs, true);
        return abs;
    }

    /**
     * Narrows the files of an already secured directory without a warning: for files Sightline (or H2) has just
     * created there under the process umask.
     *
     * @throws ConfigException if a file cannot be made owner-only
     */
    public static void tighten(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs) && posix(abs)) narrow(abs, false);
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void narrow(Path dir, boolean warn) {
        fix(dir, DIR, warn);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) fix(f, FILE, warn);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list data directory " + dir + ": " + e.getClass().getSimpleName());
        }
    }

    private static void fix(Path p, Set<PosixFilePermission> wanted, boolean warn) {
        Set<PosixFilePermission> now;
        try {
            now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException gone) {
            return; // a temporary file removed meanwhile
        } catch (IOException | UnsupportedOperationException e) {
            throw refuse(p, "?", e);
        }
        if (wanted.containsAll(now)) return;
        try {
            Files.setPosixFilePermissions(p, wanted);
            Set<PosixFilePermission> after = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            if (!wanted.containsAll(after)) {
                throw new IOException("permissions are still " + PosixFilePermissions.toString(after));
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            throw refuse(p, PosixFilePermissions.toString(now), e);
        }
        if (warn) {
            log.warn("{} was readable or writable by others ({}); made it owner-only ({})", p,
                    PosixFilePermissions.toString(now), PosixFilePermissions.toString(wanted));
        } else {
            log.debug("made {} owner-only", p);
        }
    }

    private static ConfigException refuse(Path p, String now, Exception e) {
        return new ConfigException(p + " in the data directory has permissions " + now
                + " and cannot be made owner-only (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); the data directory must be 0700 and its files 0600, owned by the user running Sightline");
    }
}
