using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Memberships;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Invitees;

/// <summary>
/// Accepting (SPEC §8): an invitation can be accepted while it is pending, by the credential of its newest email;
/// one that can no longer be accepted is a 410 saying why, an email already a member a 409.
/// </summary>
public sealed class InviteeService(IInvitationRepository invitations, IOrganizationRepository organizations, TimeProvider clock)
{
    /// <summary>The invitation, if it can still be accepted; else 410 <c>invitation_expired</c>, <c>invitation_cancelled</c> or <c>invitation_accepted</c>.</summary>
    public async Task<Invitation> EnsureAcceptableAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        var status = invitation.StatusAt(clock.GetUtcNow());
        if (status == InvitationStatus.Pending)
        {
            return invitation;
        }

        var organization = (await organizations.FindAsync(invitation.OrganizationId, cancellationToken))?.Name ?? "the organization";
        throw new JsonApiException(status switch
        {
            InvitationStatus.Expired => Gone("invitation_expired", "Invitation expired", $"This invitation to join {organization} expired on {Rfc3339.Format(invitation.ExpiresAt)}; ask for a new one."),
            InvitationStatus.Cancelled => Gone("invitation_cancelled", "Invitation cancelled", $"This invitation to join {organization} was cancelled."),
            _ => Gone("invitation_accepted", "Invitation already accepted", $"This invitation to join {organization} was already accepted."),
        });
    }

    /// <summary>Accepts the invitation: the membership it made, or the error saying why none was made.</summary>
    public async Task<Membership> AcceptAsync(Invitation invitation, string tokenHash, CancellationToken cancellationToken)
    {
        await EnsureAcceptableAsync(invitation, cancellationToken);
        var acceptedAt = clock.GetUtcNow();
        if (await invitations.AcceptAsync(invitation, tokenHash, Guid.CreateVersion7(acceptedAt), acceptedAt, cancellationToken) is { } membership)
        {
            Observability.Telemetry.InvitationsAccepted.Add(1);
            return membership;
        }

        // Nothing was accepted: something changed since the invitation was read (another accept won, a cancel, a
        // newer email), or its email is a member already.
        var now = await invitations.FindByTokenHashAsync(tokenHash, cancellationToken)
            ?? throw InvitationCredential.InvalidToken("This invitation link is not valid any more: a newer email replaced it.");
        await EnsureAcceptableAsync(now, cancellationToken);
        throw new JsonApiException(Errors.AlreadyMember($"{now.Email} is already a member of this organization."));
    }

    private static ErrorObject Gone(string code, string title, string detail) => new(410, code, title, detail);
}
