//! The did-you-mean hint for an unknown name: [`closest`], and the edit distance it is
//! measured with.

/// The name among `names` closest to `key`: the same letters in another case, or within
/// a small edit distance (an exchange of two neighbours counts as one edit); `None` when
/// none is close. How "did you mean" hints are chosen for unknown properties and
/// parameters.
///
/// ```
/// let names = ["userId", "idempotencyKey"];
/// assert_eq!(stablemint_wire::closest("idempotencykey", names), Some("idempotencyKey"));
/// assert_eq!(stablemint_wire::closest("colour", names), None);
/// ```
pub fn closest<'n>(key: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let lower = key.to_lowercase();
    let names: Vec<&'n str> = names.into_iter().collect();
    if let Some(name) = names.iter().find(|n| n.to_lowercase() == lower) {
        return Some(name);
    }
    let allowed = (key.chars().count() / 4).clamp(1, 3);
    names
        .iter()
        .map(|name| (edit_distance(&lower, &name.to_lowercase()), *name))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance, counting an exchange of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Long keys are never close to a wire name; this also bounds the work.
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 {
        return usize::MAX;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("currency", "curency"), 1);
        assert_eq!(edit_distance("a", "abcdef"), usize::MAX);
    }

    /// The optimal-string-alignment distance, by its definition: what `edit_distance`
    /// computes for strings within its bounds.
    fn reference(a: &[char], b: &[char]) -> usize {
        match (a, b) {
            ([], _) => b.len(),
            (_, []) => a.len(),
            ([.., x], [.., y]) => {
                let (a1, b1) = (&a[..a.len() - 1], &b[..b.len() - 1]);
                let mut best = (reference(a1, b) + 1)
                    .min(reference(a, b1) + 1)
                    .min(reference(a1, b1) + usize::from(x != y));
                if a.len() > 1 && b.len() > 1 && *x == b[b.len() - 2] && a[a.len() - 2] == *y {
                    best = best.min(reference(&a[..a.len() - 2], &b[..b.len() - 2]) + 1);
                }
                best
            }
        }
    }

    /// Every string of up to `max` letters from `alphabet`.
    fn words(alphabet: &[char], max: usize) -> Vec<Vec<char>> {
        let mut all = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..max {
            let next: Vec<Vec<char>> = last
                .iter()
                .flat_map(|w| {
                    alphabet.iter().map(move |c| {
                        let mut w = w.clone();
                        w.push(*c);
                        w
                    })
                })
                .collect();
            all.extend(next.iter().cloned());
            last = next;
        }
        all
    }

    #[test]
    fn edit_distance_is_the_reference_on_every_short_pair() {
        let words = words(&['a', 'b', 'c'], 4);
        for a in &words {
            for b in &words {
                let (x, y): (String, String) = (a.iter().collect(), b.iter().collect());
                let expected = if a.len().abs_diff(b.len()) > 3 {
                    usize::MAX
                } else {
                    reference(a, b)
                };
                assert_eq!(edit_distance(&x, &y), expected, "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn edit_distance_bounds() {
        // Three letters apart in length is still measured; four is not.
        assert_eq!(edit_distance("abc", "abcxyz"), 3);
        assert_eq!(edit_distance("abc", "abcwxyz"), usize::MAX);
        let long = "a".repeat(64);
        assert_eq!(edit_distance(&long, &long), 0);
        let longer = "a".repeat(65);
        assert_eq!(edit_distance(&longer, &longer), usize::MAX);
    }

    #[test]
    fn the_edits_allowed_grow_with_the_key() {
        // A key of 8 letters may be 2 edits away, not 3.
        assert_eq!(closest("abcdefXY", ["abcdefgh"]), Some("abcdefgh"));
        assert_eq!(closest("abcdeXYZ", ["abcdefgh"]), None);
        // Short keys get one edit.
        assert_eq!(closest("ab", ["ax"]), Some("ax"));
        assert_eq!(closest("ab", ["xy"]), None);
        // Of two candidates, the nearer wins.
        assert_eq!(
            closest("abcdefgX", ["abcdefXY", "abcdefgh"]),
            Some("abcdefgh")
        );
    }

    #[test]
    fn the_closest_name_wins_and_far_names_are_not_offered() {
        let names = ["userId", "userEmail", "idempotencyKey"];
        assert_eq!(closest("idempotencykey", names), Some("idempotencyKey"));
        assert_eq!(closest("userEmial", names), Some("userEmail"));
        assert_eq!(closest("zzz", names), None);
    }
}
