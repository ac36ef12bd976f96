"""The hosts `statuspress init --host` knows, and the CI or settings files each one gets.

Each row names templates in `generator/templates/init/` and where they go in the new
repository. The public site is what a host publishes; the knowledge base (internal) never is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Host(StrEnum):
    GITHUB_PAGES = "github-pages"
    GITLAB_PAGES = "gitlab-pages"
    NETLIFY = "netlify"
    CLOUDFLARE_PAGES = "cloudflare-pages"
    S3 = "s3"


@dataclass(frozen=True, slots=True)
class HostRecipe:
    """What `init` writes for a host and what it tells the user to do next."""

    label: str  # the host's name in messages and files
    files: tuple[tuple[str, str, bool], ...]  # (template, path in the repository, executable)
    next_step: str  # after the first commit


#: The GitHub Actions check of pull requests, for hosts that build on their own.
_CHECK = ("ci/github-check.yml", ".github/workflows/check.yml", False)

HOSTS: dict[Host, HostRecipe] = {
    Host.GITHUB_PAGES: HostRecipe(
        "GitHub Pages", (("ci/github-pages.yml", ".github/workflows/status-page.yml", False),),
        "push to GitHub, then Settings > Pages > Source: GitHub Actions"),
    Host.GITLAB_PAGES: HostRecipe(
        "GitLab Pages", (("ci/gitlab-ci.yml", ".gitlab-ci.yml", False),),
        "push to GitLab; the pages job publishes to GitLab Pages"),
    Host.NETLIFY: HostRecipe(
        "Netlify", (("ci/netlify.toml", "netlify.toml", False), _CHECK),
        "push, then import the repository in Netlify (netlify.toml has the settings)"),
    Host.CLOUDFLARE_PAGES: HostRecipe(
        "Cloudflare Pages", (("ci/wrangler.toml", "wrangler.toml", False), _CHECK),
        "push, then connect the repository in Cloudflare Pages (README.md lists the build settings)"),
    Host.S3: HostRecipe(
        "S3", (("ci/github-s3.yml", ".github/workflows/status-page.yml", False),
               ("ci/publish-s3.sh", "publish-s3.sh", True)),
        "push to GitHub and set the variables S3_BUCKET, AWS_REGION and AWS_ROLE_ARN (see README.md)"),
}
