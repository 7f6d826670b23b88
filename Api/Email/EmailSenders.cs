using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JsonApiInvites.Api.Email;

/// <summary>Delivers one composed message. The message id is the outbox row's, so a repeated delivery is recognizable.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, Guid outboxId, CancellationToken cancellationToken);
}

/// <summary>
/// Writes <c>{outbox id}.eml</c> into the pickup directory (written aside as <c>.{id}.{random}.tmp</c>, then moved
/// into place): a reader of the folder never sees half an email, and delivering the same row twice leaves one file.
/// A write that fails removes its temporary file; one interrupted by a crash is removed once it is a minute old.
/// </summary>
public sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    /// <summary>A temporary file this old belongs to no write still running (writes take milliseconds).</summary>
    public static readonly TimeSpan InterruptedAfter = TimeSpan.FromMinutes(1);

    /// <summary>A buffer larger than this (an unusually long email) is not kept for the next one.</summary>
    private const int MaxKeptBuffer = 64 * 1024;

    [ThreadStatic]
    private static MemoryStream? t_buffer;

    private long _lastSweep = long.MinValue;

    private string Directory => Path.GetFullPath(options.Value.PickupDirectory);

    public Task SendAsync(MimeMessage message, Guid outboxId, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var target = Path.Combine(Directory, $"{outboxId:D}.eml");
        var temporary = Path.Combine(Directory, $".{outboxId:D}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Formatted in memory and written in one call, synchronously: an email is a few kilobytes on a local disk,
            // and the file stream's asynchronous writes each went through a thread-pool hop of their own. The buffer
            // is the thread's own, kept from email to email: a new one per email was a quarter of what the dispatcher
            // allocated while it caught up with a backlog.
            var buffer = t_buffer ??= new MemoryStream(8192);
            buffer.SetLength(0);
            message.WriteTo(buffer, cancellationToken);
            File.WriteAllBytes(temporary, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (buffer.Capacity > MaxKeptBuffer)
            {
                t_buffer = null;
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Removes the temporary files of writes a crash interrupted (older than <see cref="InterruptedAfter"/>); returns
    /// how many. The dispatcher asks on every round; the folder is listed at most once per <see cref="InterruptedAfter"/>
    /// (it may hold many emails, and rounds come with every create), so files of a crash go within minutes of the restart.
    /// </summary>
    public int RemoveInterruptedWrites()
    {
        var now = Environment.TickCount64;
        if (_lastSweep != long.MinValue && now - _lastSweep < (long)InterruptedAfter.TotalMilliseconds)
        {
            return 0;
        }

        _lastSweep = now;
        var removed = 0;
        try
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                return 0;
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(Directory, ".*.tmp"))
            {
                try
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > InterruptedAfter)
                    {
                        File.Delete(file);
                        removed++;
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Gone, in use or not ours meanwhile: nothing to clean here.
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not look for unfinished email files in {Folder}: {Error}", Directory, exception.Message);
        }

        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} unfinished email files from the pickup folder", removed);
        }

        return removed;
    }
}

/// <summary>SMTP delivery with MailKit (<c>Smtp:Host</c>, <c>Smtp:Port</c>, <c>Smtp:Security</c>, optional credentials).</summary>
public sealed class SmtpEmailSender(IOptions<SmtpOptions> options) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, Guid outboxId, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not set."), smtp.Port, smtp.Security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
