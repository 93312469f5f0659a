using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace OtpWall.Dashboard.Components.Shared;

internal static class SignedInUser
{
    /// <summary>The signed-in user's id: every query and action of a page is scoped to it.</summary>
    public static async Task<string> IdAsync(this Task<AuthenticationState> authenticationState) =>
        (await authenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("This page needs a signed-in user.");
}
