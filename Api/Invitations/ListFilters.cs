using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Invitations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>
/// <c>filter[status]</c> (a comma-separated list of statuses) and <c>filter[email]</c> (one address, matched as
/// uniqueness is: trimmed, case-insensitive), where the served version offers them. A filter narrows what the
/// version can see; it never shows a status the version does not know.
/// </summary>
public static class ListFilters
{
    public static InvitationFilter Read(QueryReader query, InvitationContract contract, DateTimeOffset now)
    {
        var statuses = contract.VisibleStatuses;
        if (query.Single(InvitationContracts.StatusFilter) is { } statusText)
        {
            var wanted = new HashSet<InvitationStatus>();
            foreach (var name in statusText.Split(',', StringSplitOptions.TrimEntries))
            {
                var status = contract.VisibleStatuses.Cast<InvitationStatus?>().FirstOrDefault(s => s!.Value.ToName() == name)
                    ?? throw new JsonApiException(Errors.InvalidQueryParameter(
                        InvitationContracts.StatusFilter,
                        $"'{name}' is not a status; use one or more of {string.Join(", ", contract.VisibleStatuses.Order().Select(s => s.ToName()))}, separated by commas."));
                wanted.Add(status);
            }

            statuses = wanted;
        }

        string? email = null;
        if (query.Has(InvitationContracts.EmailFilter))
        {
            email = EmailAddress.Normalize(query.Single(InvitationContracts.EmailFilter) ?? string.Empty);
            if (email.Length == 0)
            {
                throw new JsonApiException(Errors.InvalidQueryParameter(InvitationContracts.EmailFilter, "'filter[email]' must be an email address."));
            }
        }

        return new InvitationFilter(statuses, email, now);
    }
}
