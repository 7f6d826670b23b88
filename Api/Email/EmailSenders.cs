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
/// Writes <c>{outbox id}.eml</c> into the pickup directory (written aside, then moved into place): delivering the
/// same row twice leaves one file, so a crash between delivery and bookkeeping cannot duplicate an email.
/// </summary>
public sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, Guid outboxId, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.Value.PickupDirectory);
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, $"{outboxId:D}.eml");
        var temporary = Path.Combine(directory, $".{outboxId:D}.{Guid.NewGuid():N}.tmp");
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, target, overwrite: true);
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
