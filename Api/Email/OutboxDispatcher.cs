using JsonApiInvites.Api.Configuration;
using JsonApiInvites.Domain.Email;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Email;

/// <summary>
/// Sends what the outbox holds: claims due rows, gives each a fresh link token (only its hash is stored), delivers,
/// and records the outcome, retrying failures with exponential back-off. A row is marked sent only after delivery,
/// so a crash before that leaves it due again: nothing is lost, and a redelivery has the same message id (and, to
/// the pickup directory, the same file).
/// </summary>
public sealed class OutboxDispatcher(
    IEmailOutbox outbox,
    IEmailSender sender,
    TimeProvider clock,
    IOptions<EmailOptions> options,
    Invitees.AcceptPageUrl acceptPage,
    ILogger<OutboxDispatcher> logger) : IDisposable
{
    // A claimed batch has its links recorded in one write, is sent one email after another and marked sent in one
    // write, under a short lease renewed while the batch lasts: a dispatcher that dies holds its rows for at most
    // Lease, and a slow SMTP server never lets a lease run out. Its writes go through the group commit (WriteBatcher),
    // so on SQLite they share the creates' transactions instead of competing with them for the one write lock.
    private const int BatchSize = 25;
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _work = new(0);

    /// <summary>Wakes the background loop: an email was just queued.</summary>
    public void Notify()
    {
        if (_work.CurrentCount == 0)
        {
            _work.Release();
        }
    }

    public void Dispose() => _work.Dispose();

    /// <summary>Waits for <see cref="Notify"/> or the poll interval, whichever comes first.</summary>
    public Task<bool> WaitForWorkAsync(CancellationToken cancellationToken) =>
        _work.WaitAsync(TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), cancellationToken);

    /// <summary>
    /// Sends every due row (batch after batch); returns how many were delivered. When <paramref name="cancellationToken"/>
    /// fires (the server stops), the email being sent is abandoned and every row of the batch not sent is released,
    /// due again at once for the next dispatcher.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        while (true)
        {
            var claim = Guid.NewGuid();
            var batch = await outbox.ClaimDueAsync(clock.GetUtcNow(), Lease, BatchSize, claim, cancellationToken);
            if (batch.Count == 0)
            {
                var now = clock.GetUtcNow();
                Observability.Telemetry.OutboxMeasured(now - await outbox.OldestDueAsync(now, cancellationToken));
                return delivered;
            }

            using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewal = RenewWhileSendingAsync(claim, sending.Token);
            var sent = new List<OutboxEmail>(batch.Count);
            var finished = false;
            var unsettled = false;
            var marked = false;
            try
            {
                // Every link of the batch is recorded, in one write, before any email leaves: every copy that leaves
                // opens its invitation.
                var tokens = batch.Select(_ => InvitationEmails.NewToken()).ToList();
                var recordings = await outbox.RecordLinksAsync([.. batch.Select((email, i) => (email, tokens[i].Hash))], clock.GetUtcNow(), cancellationToken);

                // Neither recorded nor given up: another dispatcher took the row over, or (PostgreSQL reads each
                // statement afresh) its invitation was reopened between the two statements. Released below if this
                // claim still holds it, rather than left to its lease.
                unsettled = recordings.Contains(LinkRecording.ClaimLost);
                for (var i = 0; i < batch.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (recordings[i] == LinkRecording.InvitationClosed)
                    {
                        logger.LogInformation("Email {OutboxId} not sent: its invitation is no longer open", batch[i].Id);
                    }
                    else if (recordings[i] == LinkRecording.Recorded && await SendAsync(batch[i], tokens[i].Token, cancellationToken))
                    {
                        sent.Add(batch[i]);
                    }
                }

                // Every row of the batch was sent, given up or recorded as failed: none is still held by this claim.
                finished = true;
            }
            finally
            {
                try
                {
                    // What left is marked sent even when the batch was cut short, before the rest is released: a row
                    // released unmarked would be sent again. Marked in one write for the batch.
                    delivered += await MarkSentAsync(sent);
                    marked = true;
                }
                finally
                {
                    // Whatever happened to the marking, the lease stops being renewed, and what this claim still
                    // holds is given back (an unmarked delivery is then sent again: delivery is at least once).
                    await sending.CancelAsync();
                    await renewal;
                    if (!finished || unsettled || !marked)
                    {
                        await ReleaseAsync(claim);
                    }
                }
            }

            if (batch.Count < BatchSize)
            {
                return delivered;
            }
        }
    }

    private async Task RenewWhileSendingAsync(Guid claim, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewEvery, cancellationToken);
                await outbox.RenewAsync(claim, clock.GetUtcNow() + Lease, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return; // the batch is done
            }
            catch (Exception exception)
            {
                // The database is away for a moment: try again at the next renewal, well before the lease runs out.
                logger.LogWarning("Could not renew the lease of emails being sent: {Error}", exception.Message);
            }
        }
    }

    /// <summary>Gives back what the claim still holds: the rows of a batch abandoned by a stop or a failure.</summary>
    private async Task ReleaseAsync(Guid claim)
    {
        try
        {
            if (await outbox.ReleaseAsync(claim, CancellationToken.None) is var released and > 0)
            {
                logger.LogInformation("Released {Count} emails not sent, for the next dispatcher", released);
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning("Could not release emails not sent (they are due again within {Lease} s): {Error}", Lease.TotalSeconds, exception.Message);
        }
    }

    /// <summary>Delivers one email whose link is recorded; a failure is recorded for a retry (or giving up), and false returned.</summary>
    private async Task<bool> SendAsync(OutboxEmail email, string token, CancellationToken cancellationToken)
    {
        using var activity = Observability.Telemetry.Source.StartActivity("email send");
        activity?.SetTag("jsonapi_invites.email.kind", email.Kind.ToString().ToLowerInvariant());
        try
        {
            await sender.SendAsync(InvitationEmails.Compose(email, token, acceptPage.Value, options.Value, clock.GetUtcNow()), email.Id, cancellationToken);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failure, also a cancellation the sender raised itself (a timeout): counted, backed off, given up in the end.
            Observability.Telemetry.EmailsFailed.Add(1);
            var attempt = email.Attempts + 1;
            var now = clock.GetUtcNow();
            DateTimeOffset? retryAt = attempt >= options.Value.MaxAttempts ? null : now + RetryDelay(attempt);
            await outbox.RecordFailureAsync(email, now, $"{exception.GetType().Name}: {exception.Message}", retryAt, cancellationToken);
            if (retryAt is null)
            {
                logger.LogError(exception, "Email {OutboxId} failed {Attempts} times; giving up", email.Id, attempt);
            }
            else
            {
                logger.LogWarning("Email {OutboxId} attempt {Attempt} failed ({Error}); retrying at {RetryAt:O}", email.Id, attempt, exception.Message, retryAt);
            }

            return false;
        }
    }

    /// <summary>Records the delivered emails as sent; returns how many the claim still held.</summary>
    private async Task<int> MarkSentAsync(List<OutboxEmail> sent)
    {
        if (sent.Count == 0)
        {
            return 0;
        }

        // The only record that these left: tried a few times if the database is away for a moment.
        IReadOnlyList<bool> marked;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                marked = await outbox.MarkSentAsync(sent, clock.GetUtcNow(), CancellationToken.None);
                break;
            }
            catch (Exception exception) when (attempt < 3)
            {
                logger.LogWarning("Could not record {Count} delivered emails as sent (attempt {Attempt}): {Error}", sent.Count, attempt, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }

        var count = 0;
        for (var i = 0; i < sent.Count; i++)
        {
            if (!marked[i])
            {
                logger.LogWarning("Email {OutboxId} was delivered after its claim was taken over; another dispatcher may send it again", sent[i].Id);
                continue;
            }

            count++;
            logger.LogInformation("Email {OutboxId} ({Kind}) delivered", sent[i].Id, sent[i].Kind);
        }

        Observability.Telemetry.EmailsSent.Add(count);
        return count;
    }

    /// <summary>RetryDelaySeconds × 2^(attempt − 1), at most MaxRetryDelaySeconds.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var seconds = options.Value.RetryDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, options.Value.MaxRetryDelaySeconds));
    }
}

/// <summary>Runs the dispatcher while the server runs (<c>Email:DispatcherEnabled</c>).</summary>
public sealed class OutboxDispatcherService(OutboxDispatcher dispatcher, IEmailSender sender, IOptions<EmailOptions> options, ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled)
        {
            return;
        }

        var pickup = sender as PickupDirectoryEmailSender;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Temporary files a crash left behind go once they are old enough to belong to no running write.
                pickup?.RemoveInterruptedWrites();
                await dispatcher.DispatchDueAsync(stoppingToken);
                await dispatcher.WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database may be briefly unavailable; the rows wait in the outbox.
                logger.LogError(exception, "The email dispatcher failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), stoppingToken);
            }
        }
    }
}

public static class EmailServiceCollectionExtensions
{
    public static IServiceCollection AddInvitationEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<EmailOptions>(configuration, "Email")
            .Range("Email:PollIntervalSeconds", o => o.PollIntervalSeconds, 1, 3600, "seconds")
            .Range("Email:RetryDelaySeconds", o => o.RetryDelaySeconds, 1, 86400, "seconds")
            .Require(o => o.MaxRetryDelaySeconds < o.RetryDelaySeconds || o.MaxRetryDelaySeconds > 604800
                ? $"Email:MaxRetryDelaySeconds must be a whole number from Email:RetryDelaySeconds ({o.RetryDelaySeconds}) to 604800 seconds (got {o.MaxRetryDelaySeconds})."
                : null)
            .Range("Email:MaxAttempts", o => o.MaxAttempts, 1, 1000)
            .Range("Email:BacklogDegradedSeconds", o => o.BacklogDegradedSeconds, 10, 604800, "seconds")
            .Require(o => string.IsNullOrWhiteSpace(o.PickupDirectory) ? "Email:PickupDirectory must name a folder (got nothing)." : null)
            .Require(o => MimeKit.MailboxAddress.TryParse(o.From, out var from) && from.Address.Contains('@', StringComparison.Ordinal)
                ? null
                : $"Email:From must be an email address such as 'JsonApiInvites <no-reply@example.com>' (got '{o.From}').")
            .Require(o => string.IsNullOrWhiteSpace(o.AcceptUrl)
                || (Uri.TryCreate(o.AcceptUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
                ? null
                : $"Email:AcceptUrl must be an absolute http or https URL, or unset for this server's accept page (got '{o.AcceptUrl}').");
        services.AddCheckedOptions<SmtpOptions>(configuration, "Smtp")
            .Range("Smtp:Port", o => o.Port, 1, 65535);
        services.AddSingleton<IEmailSender>(provider =>
            string.IsNullOrWhiteSpace(provider.GetRequiredService<IOptions<SmtpOptions>>().Value.Host)
                ? ActivatorUtilities.CreateInstance<PickupDirectoryEmailSender>(provider)
                : ActivatorUtilities.CreateInstance<SmtpEmailSender>(provider));
        services.AddSingleton<Invitees.AcceptPageUrl>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService<OutboxDispatcherService>();
        services.AddHealthChecks().AddCheck<OutboxHealthCheck>(OutboxHealthCheck.Name, tags: [Health.HealthEndpoints.ReadyTag]);
        return services;
    }
}
