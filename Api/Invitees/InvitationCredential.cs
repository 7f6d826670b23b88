using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Tokens;

namespace JsonApiInvites.Api.Invitees;

/// <summary>
/// The invitee's credential (SPEC §8): <c>Authorization: Invitation &lt;accept token&gt;</c>, the token of the email's
/// link, stored only as its SHA-256 on the invitation. It opens exactly that invitation and nothing else: API routes
/// refuse it (their authenticator knows only <c>Bearer</c> and <c>token</c>), and these routes refuse API tokens.
/// </summary>
public sealed class InvitationCredential(IInvitationRepository invitations)
{
    public const string Scheme = "Invitation";
    private static readonly IReadOnlyDictionary<string, string> Challenge = new Dictionary<string, string> { ["WWW-Authenticate"] = Scheme };

    /// <summary>The invitation the request's credential opens, with the credential's hash: 401 without one, or for an unknown or superseded one.</summary>
    public async Task<(Invitation Invitation, string TokenHash)> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : header;
        var token = space > 0 ? header[(space + 1)..].Trim() : string.Empty;
        if (!scheme.Equals(Scheme, StringComparison.OrdinalIgnoreCase) || token.Length == 0)
        {
            var detail = Auth.TokenAuthenticator.ReadSecret(header) is not null
                ? "This route takes the invitation's own credential ('Authorization: Invitation <token>', the token of the email's link), not an API token."
                : "Send 'Authorization: Invitation <token>' with the token of the invitation email's link.";
            throw new JsonApiException(Errors.Unauthorized(detail), Challenge);
        }

        var hash = TokenSecret.Hash(token);
        var invitation = await invitations.FindByTokenHashAsync(hash, context.RequestAborted)
            ?? throw InvalidToken("This invitation link is not valid: it is unknown, or a newer email replaced it.");
        return (invitation, hash);
    }

    /// <summary>401 <c>invalid_token</c> at the <c>Authorization</c> header, with the scheme's challenge.</summary>
    public static JsonApiException InvalidToken(string detail) =>
        new(new ErrorObject(401, "invalid_token", "Invalid invitation token", detail, ErrorSource.AtHeader("Authorization")), Challenge);
}
