using System.Globalization;
using JsonApiInvites.Domain.Email;
using JsonApiInvites.Domain.Tokens;
using MimeKit;

namespace JsonApiInvites.Api.Email;

/// <summary>Composes the email of an outbox row, with a fresh link token (the caller stores only its hash).</summary>
public static class InvitationEmails
{
    public const string MessageIdDomain = "jsonapi-invites";

    /// <param name="acceptUrl">The page the link opens (<see cref="Invitees.AcceptPageUrl"/>); the token is added as <c>token=</c>.</param>
    public static MimeMessage Compose(OutboxEmail email, string token, string acceptUrl, EmailOptions options, DateTimeOffset now)
    {
        var link = $"{acceptUrl}{(acceptUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}token={Uri.EscapeDataString(token)}";
        var again = email.Kind == EmailKind.Resend ? "a reminder: " : string.Empty;
        var message = new MimeMessage
        {
            MessageId = $"{email.Id:D}@{MessageIdDomain}",
            Date = now,
            Subject = $"You are invited to join {email.OrganizationName}",
            Body = new TextPart("plain")
            {
                Text = $"""
                    Hello,

                    This is {again}{email.OrganizationName} inviting you to join as {email.RoleName}.

                    Accept the invitation here:
                    {link}

                    The invitation expires on {email.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.
                    If you did not expect it, ignore this email.
                    """,
            },
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(email.Recipient));
        return message;
    }

    /// <summary>A new random link token (same generator as API tokens) and the hash to store.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = TokenSecret.Generate("jai_invite_");
        return (token, TokenSecret.Hash(token));
    }
}
