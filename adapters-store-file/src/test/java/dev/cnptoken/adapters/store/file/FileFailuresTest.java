package dev.cnptoken.adapters.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cnptoken.domain.Failure;
import dev.cnptoken.domain.Failure.StoreFailure.Reason;
import dev.cnptoken.domain.TokenException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapping of JDK I/O exceptions to store failures, fed with exceptions the JDK really raises
 * where the machine allows (a write to /dev/full is a genuine "No space left on device").
 */
class FileFailuresTest {
    @TempDir
    Path temp;

    private static Failure.StoreFailure failure(TokenException e) {
        return (Failure.StoreFailure) e.failure();
    }

    @Test
    void mapsADiskFullWriteToFull() throws Exception {
        Path devFull = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(devFull), "/dev/full is not available");
        IOException real = catchThrowableOfType(IOException.class, () -> {
            try (FileChannel channel = FileChannel.open(devFull, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[4096]));
                channel.force(true);
            }
        });

        TokenException mapped = FileFailures.map("write", Path.of("/data/.acme.json.tmp"), real);

        assertThat(failure(mapped).reason()).isEqualTo(Reason.FULL);
        assertThat(mapped.retryable()).isTrue();
        assertThat(mapped.getMessage()).isEqualTo(
                "store full: cannot write /data/.acme.json.tmp: No space left on device");
    }

    @Test
    void mapsAccessDeniedToPermissionDeniedNamingThePath() {
        TokenException mapped = FileFailures.map("read", Path.of("/data/acme.json"),
                new AccessDeniedException("/data/acme.json"));

        assertThat(failure(mapped).reason()).isEqualTo(Reason.PERMISSION_DENIED);
        assertThat(mapped.retryable()).isFalse();
        assertThat(mapped.getMessage()).isEqualTo("store permission denied: cannot read /data/acme.json: permission denied");
    }

    @Test
    void mapsARealNotADirectoryAndOtherErrorsToUnavailable() throws Exception {
        Path file = Files.writeString(temp.resolve("plain-file"), "x");
        IOException real = catchThrowableOfType(IOException.class, () -> Files.readAllBytes(file.resolve("below")));

        TokenException mapped = FileFailures.map("read", file.resolve("below"), real);

        assertThat(failure(mapped).reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(mapped.retryable()).isTrue();
        assertThat(mapped.getMessage()).contains(file.resolve("below").toString());
        assertThat(failure(FileFailures.map("write", file, new IOException("Input/output error"))).reason())
                .isEqualTo(Reason.UNAVAILABLE);
    }

    @Test
    void mapsReadOnlyFileSystemsAndQuotasByTheirReason() {
        assertThat(failure(FileFailures.map("write", temp, new FileSystemException(temp.toString(), null,
                "Read-only file system"))).reason()).isEqualTo(Reason.PERMISSION_DENIED);
        assertThat(failure(FileFailures.map("write", temp, new FileSystemException(temp.toString(), null,
                "Disk quota exceeded"))).reason()).isEqualTo(Reason.FULL);
        assertThat(failure(FileFailures.map("write", temp, new FileSystemException(temp.toString(), null,
                "Operation not permitted"))).reason()).isEqualTo(Reason.PERMISSION_DENIED);
    }
}
