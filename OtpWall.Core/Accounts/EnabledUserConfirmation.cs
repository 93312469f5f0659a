using Microsoft.AspNetCore.Identity;

namespace OtpWall.Core.Accounts;

/// <summary>A disabled user is not "confirmed", so Identity refuses their sign-in (password, two-factor, all of it).</summary>
internal sealed class EnabledUserConfirmation : IUserConfirmation<ApplicationUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<ApplicationUser> manager, ApplicationUser user) => Task.FromResult(!user.IsDisabled);
}
