namespace JsonApiInvites.Api.Email;

/// <summary><c>Email:*</c>: where and how invitation emails go.</summary>
public sealed class EmailOptions
{
    /// <summary>Where <c>.eml</c> files go when no SMTP host is set (relative to the working directory).</summary>
    public string PickupDirectory { get; set; } = "data/outbox";

    public string From { get; set; } = "JsonApiInvites <no-reply@localhost>";

    /// <summary>
    /// The page that accepts an invitation; the email links to it with <c>?token=</c>. Unset: this server's own accept
    /// page (<c>/accept</c>) on the address it listens on (see <see cref="Invitees.AcceptPageUrl"/>).
    /// </summary>
    public string? AcceptUrl { get; set; }

    /// <summary>False stops the background dispatcher (rows still queue); tests and maintenance use it.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    public int PollIntervalSeconds { get; set; } = 5;

    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public int RetryDelaySeconds { get; set; } = 30;

    public int MaxRetryDelaySeconds { get; set; } = 3600;

    /// <summary>Readiness reports the outbox degraded when a due email has waited longer than this.</summary>
    public int BacklogDegradedSeconds { get; set; } = 300;

    /// <summary>Attempts before a row is given up (marked failed, logged).</summary>
    public int MaxAttempts { get; set; } = 10;
}

/// <summary><c>Smtp:*</c>: delivery through an SMTP server (MailKit) when <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>None, Auto (STARTTLS when offered), StartTls or SslOnConnect.</summary>
    public MailKit.Security.SecureSocketOptions Security { get; set; } = MailKit.Security.SecureSocketOptions.Auto;

    public string? Username { get; set; }

    public string? Password { get; set; }
}
